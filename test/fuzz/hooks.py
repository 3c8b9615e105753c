"""Schemathesis hooks for test/fuzz.test.ts (loaded through SCHEMATHESIS_HOOKS).

POST /api/imports/events takes application/x-ndjson, one JSON event per line: text on the wire.
Schemathesis has no serializer for that media type and would leave the operation untested, so its
generated strings are sent as they are, as it sends text/plain.
"""

import schemathesis

schemathesis.serializer.alias("application/x-ndjson", "text/plain")
