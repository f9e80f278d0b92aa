"""Root of the test suite.

pytest's importlib mode names `gateway/tests/conftest.py` `gateway.tests.conftest` and would import the
`gateway/` folder itself as the package `gateway`, hiding the real one (`gateway/src/gateway`). Importing
the real package first keeps it in place.
"""

import gateway  # noqa: F401 - imported for its side effect: the real package first (see above)
