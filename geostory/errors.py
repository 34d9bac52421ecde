"""The errors geostory raises, one tree, each mixed with the builtin it resembles.

    GeostoryError                      base: the CLI prints it as one line and exits non-zero
    ├── InputError (ValueError)        an article that cannot be read: missing, empty, binary, too odd
    ├── OutputError (OSError)          an output that cannot be written
    ├── ConfigurationError (ValueError) bad options, overrides file or rail network, missing extra
    ├── ModelError (RuntimeError)      the spaCy pipeline cannot be loaded
    ├── GazetteerError (RuntimeError)  the offline index cannot be built or opened
    └── GeocoderError (RuntimeError)   an online geocoder failed (callers fall back to offline)

Each class carries the CLI exit code it maps to, so `geostory --help` can document them.
`batch` and `geoparse` skip a bad article or document, write the rest, and exit with
InputError's code (2) when any was skipped. An output that would overwrite an input, another
output, or something that is not a regular file is an OutputError (3).
"""

from __future__ import annotations


class GeostoryError(Exception):
    """Base of every error geostory raises on purpose."""

    exit_code = 1


class InputError(GeostoryError, ValueError):
    """The article is missing, unreadable, empty, binary or has nothing to map."""

    exit_code = 2


class OutputError(GeostoryError, OSError):
    """An output file or folder cannot be written."""

    exit_code = 3


class ConfigurationError(GeostoryError, ValueError):
    """An option, overrides file, rail network or optional dependency is wrong or missing."""

    exit_code = 4


class ModelError(GeostoryError, RuntimeError):
    """The spaCy pipeline named by --model cannot be loaded."""

    exit_code = 5


class GazetteerError(GeostoryError, RuntimeError):
    """The offline gazetteer index cannot be built or opened."""

    exit_code = 6


class GeocoderError(GeostoryError, RuntimeError):
    """An online geocoder failed; the pipeline falls back to the offline result."""

    exit_code = 7


EXIT_CODES = {
    cls.__name__: cls.exit_code
    for cls in (
        GeostoryError,
        InputError,
        OutputError,
        ConfigurationError,
        ModelError,
        GazetteerError,
        GeocoderError,
    )
}
