"""Preferences: the suppression threshold k, the sentiment model and its thresholds."""
from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout,
                               QSpinBox, QWidget)

from ...settings import Settings

MODELS = (("textblob", "TextBlob (pattern analyzer)"), ("vader", "VADER (short social text)"))


class PreferencesDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.settings = settings
        self.k = QSpinBox(minimum=2, maximum=1000, value=int(settings["suppression_k"]))
        self.k.setToolTip("Counts below k people are never shown, exported or used in a tooltip.")
        self.model = QComboBox()
        for key, label in MODELS:
            self.model.addItem(label, key)
        self.model.setCurrentIndex(max(0, self.model.findData(settings["sentiment_model"])))
        self.negative = QDoubleSpinBox(minimum=-1.0, maximum=0.0, singleStep=0.01, decimals=2,
                                       value=float(settings["negative_threshold"]))
        self.positive = QDoubleSpinBox(minimum=0.0, maximum=1.0, singleStep=0.01, decimals=2,
                                       value=float(settings["positive_threshold"]))
        self.min_nps = QSpinBox(minimum=5, maximum=10_000, value=int(settings["min_nps_responses"]))
        form = QFormLayout(self)
        form.addRow("Suppress groups smaller than k =", self.k)
        form.addRow("Sentiment model", self.model)
        form.addRow("Negative below", self.negative)
        form.addRow("Positive above", self.positive)
        form.addRow("Fewest responses for an NPS period", self.min_nps)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def accept(self) -> None:
        self.settings.data.update({
            "suppression_k": self.k.value(), "sentiment_model": self.model.currentData(),
            "negative_threshold": self.negative.value(), "positive_threshold": self.positive.value(),
            "min_nps_responses": self.min_nps.value(),
        })
        self.settings.save()
        super().accept()
