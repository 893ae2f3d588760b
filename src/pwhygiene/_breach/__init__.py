"""The breach wing: how often a password's hash was seen in breaches, never the password.

It receives digests, not passwords (``digests`` makes them at the edge): ``source`` is the
protocol every breach source speaks, ``range/`` is the k-anonymity client of a Pwned Passwords
range API (wire, body, fetch, breaker, cache, client), ``index/`` the offline index of the whole
corpus, ``blocklist`` the embedded list of common passwords. It never imports the strength,
vault, audit, render or CLI code.
"""
