"""The audit wing: checks over a vault's items, one report model, and its renderers.

``runner`` drives a run (strength, breach batch, checks); ``checks``, ``similarity``,
``sites`` (the Public Suffix List, per-run state), ``urls`` (hosts and masking), ``lookalike``
(the one look-alike table) and ``scoring`` judge items; ``report`` is the model every renderer
reads, and ``render/`` holds every serialisation. It sits above the strength, breach and vault
wings and below the CLI.
"""
