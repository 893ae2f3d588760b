"""Parsing and assessing stored password hashes, behind the public :mod:`pwhygiene.hashing`.

``formats`` recognises the stored-hash formats in the wild (argon2, bcrypt, scrypt, PBKDF2,
crypt(3), Django's and others); ``assess`` says how each one holds up. Imports nothing of
pwhygiene but the exceptions.
"""
