"""KDBX (KeePass 2.x / KeePassXC) decryption, split by concern.

``header`` parses the outer and inner headers, ``keys`` turns a password and key file into
the transformed key (with bounds on KDF cost), ``payload`` authenticates and decrypts the
block streams, ``stream`` un-protects in-memory-protected values and ``document`` maps the
KeePass XML tree to :class:`~pwhygiene._vault.model.VaultItem`. Nothing here writes to disk.
"""
