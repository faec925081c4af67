from joinedup.privacy.models.processing import (
    EngagementStatus,
    ProcessingRecord,
    Processor,
    ProcessorEngagement,
    ProcessorKind,
    RecordStatus,
    TransferMechanism,
)

__all__ = [
    "EngagementStatus",
    "ProcessingRecord",
    "Processor",
    "ProcessorEngagement",
    "ProcessorKind",
    "RecordStatus",
    "TransferMechanism",
]
