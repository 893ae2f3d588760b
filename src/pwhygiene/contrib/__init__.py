"""Integrations with web frameworks, one module per framework, each importable on its own.

* :mod:`pwhygiene.contrib.django`: ``PasswordHygieneValidator`` for ``AUTH_PASSWORD_VALIDATORS``
  (extra ``pwhygiene[django]``).
* :mod:`pwhygiene.contrib.pydantic`: the ``StrongPassword`` type, a model-validator helper and
  ``scrub_errors`` (extra ``pwhygiene[pydantic]``).
* :mod:`pwhygiene.contrib.fastapi`: a 422 handler that never returns or logs what was typed,
  and an async check for endpoints (extra ``pwhygiene[fastapi]``).
* :mod:`pwhygiene.contrib.wtforms`: the ``PasswordHygiene`` validator for Flask/WTForms forms
  (extra ``pwhygiene[flask]``).
* :mod:`pwhygiene.contrib.options`: the checking options all of them take, declared once, and
  ``build_checker`` (no extra).

Importing a module whose framework is missing raises ImportError naming the extra to install;
this package itself imports nothing, so ``import pwhygiene`` never pulls in a framework.
"""
