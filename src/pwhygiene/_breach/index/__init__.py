"""The offline index of the Pwned Passwords corpus: a memory-mapped file, no load step.

``format`` is the file layout and ``checks`` opens and validates a file; ``corpus`` reads the
downloader's text output, ``writer`` and ``build`` make an index; ``search`` finds digests in
the records, ``spill`` their counts of 255 and more; ``offline`` is ``OfflineIndex``.
"""
