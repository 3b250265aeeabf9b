"""Care for people's data: small-cell suppression, masking and pseudonyms, safe output cells."""
from .masking import mask_personal, mask_value, pseudonymise, personal_columns
from .safe_output import safe_cell, safe_filename, safe_frame
from .suppression import DEFAULT_K, suppress, suppressed_mask
from .tables import table_mask

__all__ = ["DEFAULT_K", "suppress", "suppressed_mask", "table_mask", "mask_personal", "mask_value", "pseudonymise",
           "personal_columns", "safe_cell", "safe_frame", "safe_filename"]
