"""Set-up every pytest run needs, for the doctests in explainer_nlg/ as for tests/.

Answers are recorded in an audit log (``EXPLAINER_NLG_AUDIT``): a test run writes to a fresh one
of its own, never to the user's real record.
"""

import os
import tempfile

os.environ["EXPLAINER_NLG_AUDIT"] = os.path.join(tempfile.mkdtemp(prefix="explainer-nlg-audit-"), "audit.sqlite")
