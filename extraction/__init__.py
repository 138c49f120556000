"""Record text -> candidate action items: cleaning, dates, people and organisations, rules.

Pure functions; imports only types and errors from `models`.
"""

from extraction.core import ExtractionResult, extract, record_title
from extraction.loading import load_text
from extraction.people import Directory, load_directory

__all__ = ["Directory", "ExtractionResult", "extract", "load_directory", "load_text", "record_title"]
