"""wa-templates: WhatsApp message templates on 8x8, managed as reviewed files in git."""

__version__ = "0.1.0"
