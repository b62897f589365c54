"""Child of bench_import: import the modules named on the command line; report max RSS."""

import importlib
import json
import resource
import sys

for name in sys.argv[1:]:
    importlib.import_module(name)
print("BENCH-RESULT " + json.dumps({"max_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
