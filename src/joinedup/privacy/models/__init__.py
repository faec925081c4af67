from joinedup.privacy.models.exit import ExitExport, ExitExportStatus

__all__ = ["ExitExport", "ExitExportStatus"]
