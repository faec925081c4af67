"""The append-only, hash-chained audit trail, one chain per partner plus a global chain.

Owns: ``AuditEvent`` and chain heads, ``services.record_event`` (called inside every write's
transaction), chain verification, signed checkpoints of the chain heads (key outside the
database). May import: core. Entry points: ``joinedup audit verify``, ``joinedup audit checkpoint``.
"""
