"""Data sets the audit reads: the 2FA Directory, the Passkeys Directory, the HIBP catalogue.

``sets`` says where each comes from and parses it, ``store`` finds and verifies the stored
copies (the user's data directory first, then any snapshot shipped in the package) with their
provenance, ``update`` fetches fresh copies atomically. A data set that is missing or damaged is
reported as such, never read as "nothing to report". Imports nothing above the exceptions.
"""
