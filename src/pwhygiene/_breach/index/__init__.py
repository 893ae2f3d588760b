"""The offline index of the Pwned Passwords corpus: a memory-mapped file, no load step.

``format`` is the file layout, ``corpus`` reads the downloader's text output, ``writer`` and
``build`` make an index, ``search`` finds suffixes in a bucket, ``offline`` is ``OfflineIndex``.
"""
