from . import observatory_export
