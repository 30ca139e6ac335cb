"""Loaded by run.sh (SCHEMATHESIS_HOOKS): the raw bodies the API takes are sent as the bytes drawn."""

import schemathesis

# A recording (POST /api/v1/media) and a QTI package (POST /api/v1/qti/import) are bytes on the wire.
schemathesis.serializer.alias(["audio/ogg", "application/zip"], "application/octet-stream")
