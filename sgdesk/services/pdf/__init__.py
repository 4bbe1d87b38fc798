"""PDFs sgdesk prints: each document builds flowables on the shared page frame in
:mod:`sgdesk.services.pdf.layout`; :mod:`~sgdesk.services.pdf.protect` encrypts one
before it is saved to disk."""
