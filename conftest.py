"""Root of the test suite.

pytest's importlib mode names `gateway/tests/conftest.py` `gateway.tests.conftest` and would import the
`gateway/` folder itself as the package `gateway`, hiding the real one (`gateway/src/gateway`); the same holds
for `web/`. Importing the real packages first keeps them in place.
"""

import gateway  # noqa: F401 - imported for its side effect: the real package first (see above)
import web  # noqa: F401 - the same for the console
