"""Static files storage for production (`gaoxin collectstatic` with GAOXIN_STATIC_FROM_FINDERS=false)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's hashed and compressed storage, without rewriting source-map comments: the vendored minified files
    (Bootstrap, Swagger UI) name .map files that are not shipped, and the manifest would otherwise refuse them."""

    patterns = tuple(
        (glob, tuple(p for p in rules if "sourceMappingURL" not in str(p)))
        for glob, rules in CompressedManifestStaticFilesStorage.patterns
    )
