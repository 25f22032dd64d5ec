"""政策解读 and 意见征集: models, parsing from ``Document.extra``, linking and checks.

The MkDocs plugin (``gongkai.plugins.interaction``) calls ``collect`` once per build; templates read the
resulting ``Interaction``.
"""

from .relations import Interaction, Settings, collect, consultation_order
from .model import (CLOSED, CONSULTATION_KINDS, DEFAULT_MIN_PERIODS, INTERPRETATION_FORMS, KINDS, OPEN, UPCOMING,
                    Channel, Consultation, ConsultationKind, Feedback, Interpretation, Period, YearFigures)
from .parse import FIELDS, parse_when

__all__ = ["Interaction", "Settings", "collect", "consultation_order", "Consultation", "Feedback",
           "Interpretation", "Channel", "Period", "YearFigures", "FIELDS", "parse_when", "OPEN", "UPCOMING",
           "CLOSED", "CONSULTATION_KINDS", "ConsultationKind", "DEFAULT_MIN_PERIODS", "INTERPRETATION_FORMS", "KINDS"]
