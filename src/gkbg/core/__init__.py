# SPDX-License-Identifier: MIT
"""The nouns every stage shares: the model, the forms, messages, reasons, errors and limits."""
