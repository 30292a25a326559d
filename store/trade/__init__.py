"""Trade documents: one model for FA (FS), PA, FZ, WZ, PZ, PW, RW; buffer, approval, cancellation, export states
(issue 11). The API is described in docs/architecture.md, "Trade core"."""
from __future__ import annotations

from store.trade.documents import (APPROVED, BUFFER, CANCEL_REQUESTED, CANCELLED, CANCELLED_BY_HQ,  # noqa: F401
                                   CONFIRMED, CORE_KINDS, EXPORTED, KINDS, REALISED, STATES, Document,
                                   create_document)
from store.trade.models import (MIGRATIONS, DocumentEvent, DocumentLine, DocumentLink, DocumentPayment,  # noqa: F401
                                DocumentVat)
from store.trade.errors import ConfirmationNeeded, DocumentRefused  # noqa: F401,E402
from store.trade.drafts import DocumentDraft, DocumentView, LineDraft, PaymentDraft, load_document  # noqa: F401,E402
from store.trade.buffer import delete_buffer, save_buffer  # noqa: F401,E402
from store.trade.approve import approve  # noqa: F401,E402
from store.trade.cancel import cancel, invoice_from_receipt  # noqa: F401,E402
from store.trade.export import (ExportItem, ExportSelection, ExportState, apply_confirmation,  # noqa: F401,E402
                                export_state, exportable_documents, mark_exported)
