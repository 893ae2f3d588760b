"""The strength wing: how guessable a password is, and whether a policy accepts it.

``estimate`` runs zxcvbn's matchers (``matching``, ``dates``) and a bounded search
(``search``); ``context`` turns what is known about the user into tokens; ``policy`` turns an
estimate into NIST SP 800-63B violations; ``checker`` composes policy, estimate and a breach
source. It may import the breach wing's source protocol, digests and blocklist (the checker
composes them), never the vault, audit, render or CLI code.
"""
