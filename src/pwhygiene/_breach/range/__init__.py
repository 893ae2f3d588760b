"""The Pwned Passwords range-API client, one concern per module.

``wire`` reads one answer off the wire and proves it whole, ``body`` parses and validates it,
``fetch`` fetches one prefix with retries and the ``breaker``, ``cache`` keeps answers by
prefix, and ``client`` is the public ``RangeClient`` that batches lookups.
"""
