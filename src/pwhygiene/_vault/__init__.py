"""The vault wing: password-manager exports read into :class:`Vault` objects.

``model`` is what every reader produces, ``io`` reads files safely (sizes, encodings, zips,
CSV), ``registry`` sniffs formats and dispatches, ``formats/`` holds one module per export
family, ``kdbx/`` decrypts KeePass databases. It never imports the strength, breach, audit,
render or CLI code: readers know nothing of checks.
"""
