"""The main window: navigation between sections, the global filter, menus, and background work."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QInputDialog, QLabel, QListWidget, QListWidgetItem,
                               QMainWindow, QMessageBox, QProgressBar, QPushButton, QStackedWidget,
                               QVBoxLayout, QWidget)

from .. import __version__
from ..core.filters import Filter, filter_options
from ..core.loading import import_plans, load_paths, mapping_store_dir
from ..core.report.content import DEFAULT_TITLE as DEFAULT_REPORT_TITLE
from ..core.workspace import SUFFIX, Workspace
from ..settings import Settings
from .dialogs.mapping_dialog import confirm_mappings
from .filter_bar import FilterBar
from .sections import section_classes
from .sections.base import Section
from .workers import JobRunner

EXPORT_FILTER = "Exports (*.csv *.tsv *.txt *.json *.jsonl *.ndjson *.gz *.zip *.xlsx *.parquet);;All files (*)"


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings | None = None) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.setWindowTitle("HuMetrics Desktop")
        self.resize(1500, 950)
        self.setAcceptDrops(True)
        self.runner = JobRunner(self)
        self.workspace: Workspace | None = None
        self.filter = Filter()
        self._stale: set[str] = set()
        self.results: dict[str, Any] = {}
        self.confirm_mappings = confirm_mappings  # the mapping dialog step (tests answer it themselves)
        self._presenting = False
        self._deck: list[tuple[str, dict]] = []
        self._slide = 0

        self.nav = QListWidget()
        self.nav.setFixedWidth(150)
        self.stack = QStackedWidget()
        self.sections: dict[str, Section] = {}
        for cls in section_classes():
            sec = cls()
            self.sections[sec.name] = sec
            self.stack.addWidget(sec)
            item = QListWidgetItem(sec.title)
            item.setData(Qt.ItemDataRole.UserRole, sec.name)
            self.nav.addItem(item)
            sec.filter_requested.connect(self.apply_filter_request)
            sec.navigate_requested.connect(self.navigate)
        self.nav.currentRowChanged.connect(self._section_changed)

        self.filter_bar = FilterBar()
        self.filter_bar.filter_changed.connect(self.set_filter)

        body = QWidget()
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        central = QWidget()
        col = QVBoxLayout(central)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.filter_bar)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("QLabel{font-size:22pt;font-weight:600;padding:10px 16px;"
                                  "background:#16324f;color:white}")
        self.banner.setVisible(False)
        col.addWidget(self.banner)
        col.addWidget(body, 1)
        self.setCentralWidget(central)

        self.progress = QProgressBar(maximumWidth=260, maximum=1000, textVisible=False)
        self.progress_label = QLabel()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.runner.cancel_all)
        for w in (self.progress_label, self.progress, self.cancel_button):
            self.statusBar().addPermanentWidget(w)
            w.setVisible(False)
        self.runner.busy_changed.connect(self._busy_changed)
        self.runner.progress.connect(self._progress)
        self.runner.error.connect(self._job_failed)
        self._build_menus()
        if self.nav.count():
            self.nav.setCurrentRow(0)

    # ---- menus ----------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        mb = self.menuBar()
        file = mb.addMenu("&File")

        def act(menu, text, slot, shortcut=None):
            a = QAction(text, self)
            if shortcut is not None:
                a.setShortcut(QKeySequence(shortcut))
            a.triggered.connect(slot)
            menu.addAction(a)
            self.addAction(a)  # shortcuts keep working while the menu bar is hidden (presentation)
            return a

        act(file, "&Open workspace or exports…", self._open_dialog, QKeySequence.StandardKey.Open)
        act(file, "&Import exports…", self._import_dialog, "Ctrl+I")
        self.recent_menu = file.addMenu("Recent files")
        self._fill_recent()
        file.addSeparator()
        act(file, "&Save workspace", self.save, QKeySequence.StandardKey.Save)
        act(file, "Save workspace &as…", self.save_as, QKeySequence.StandardKey.SaveAs)
        act(file, "&Export report…", self._export_report, "Ctrl+E")
        file.addSeparator()
        act(file, "P&references…", self._preferences, QKeySequence.StandardKey.Preferences)
        file.addSeparator()
        act(file, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        view = mb.addMenu("&View")
        self.fullscreen_action = act(view, "&Full screen", self._toggle_fullscreen, QKeySequence.StandardKey.FullScreen)
        self.presentation_action = act(view, "&Presentation mode", self.toggle_presentation, "F5")
        self.unmask_action = act(view, "Show personal fields (this session)", self._toggle_unmask)
        self.unmask_action.setCheckable(True)
        helpm = mb.addMenu("&Help")
        act(helpm, "&About HuMetrics Desktop", self._about)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for p in self.settings["recent_files"]:
            a = self.recent_menu.addAction(p)
            a.triggered.connect(lambda _=False, p=p: self.load([p]))
        self.recent_menu.setEnabled(bool(self.settings["recent_files"]))

    # ---- loading ---------------------------------------------------------------------------------
    def load(self, paths: list[str | Path], remember: bool = True, into: Workspace | None = None) -> None:
        """Open a workspace, or import exports (into the open workspace with `into`): first a look at
        each file the generic importer reads (in the background), then the mapping dialog where a
        mapping is unsure, then the import."""
        paths = [str(p) for p in paths]
        if into is None and len(paths) == 1 and Path(paths[0]).suffix == SUFFIX:
            self._import(paths, {}, remember, None)
            return
        self.statusBar().showMessage(f"Looking at {', '.join(Path(p).name for p in paths)}…")

        def planned(plans: dict) -> None:
            mappings = self.confirm_mappings(self, plans, str(mapping_store_dir()))
            if mappings is None:
                self.statusBar().showMessage("Import cancelled", 5_000)
                return
            self._import(paths, {p: m.to_json() for p, m in mappings.items()}, remember, into)

        self.runner.start("load", lambda progress: import_plans(paths, progress), planned, "Looking at the files")

    def _import(self, paths: list[str], mappings: dict, remember: bool, into: Workspace | None) -> None:
        self.statusBar().showMessage(f"Loading {', '.join(Path(p).name for p in paths)}…")

        def run(progress):
            outcome = load_paths(paths, progress, mappings)
            outcome.workspace.view_state["load_errors"] = outcome.errors
            return outcome if into is None else type(outcome)(into.merge(outcome.workspace), outcome.errors)

        def done(outcome) -> None:
            ws = outcome.workspace
            self.set_workspace(ws)
            if remember and len(paths) == 1 and into is None:
                self.settings.add_recent(paths[0])
                self._fill_recent()
            msg = f"Loaded {len(ws.reports)} files"
            if outcome.errors:
                msg += f"; {len(outcome.errors)} could not be read (see Data)"
            self.statusBar().showMessage(msg, 10_000)

        self.runner.start("load", run, done, "Loading")

    def set_workspace(self, ws: Workspace) -> None:
        self.workspace = ws
        self.results.clear()
        title = ws.path.name if ws.path else "unsaved workspace"
        self.setWindowTitle(f"HuMetrics Desktop — {title}")
        self.runner.start("options", lambda progress: filter_options(ws), self._options_ready,
                          "Reading filter values")
        saved = ws.view_state.get("filter")
        self.filter = Filter.from_json(saved) if saved else Filter()
        self._stale = set(self.sections)
        section = ws.view_state.get("section")
        if section in self.sections:
            self.show_section(section)
        self.refresh()

    def _options_ready(self, options: dict) -> None:
        self.filter_bar.set_options(options)
        self.filter_bar.set_filter(self.filter)  # the workspace's saved filter, now that its values exist

    def set_filter(self, flt: Filter) -> None:
        if flt == self.filter:
            return
        self.filter = flt
        if self.workspace is not None:
            self.workspace.view_state["filter"] = flt.to_json()
        self._stale = set(self.sections)
        self.statusBar().showMessage(f"Filter: {flt.describe()}", 5_000)
        self.refresh()

    def apply_filter_request(self, request: dict) -> None:
        current = self.filter.to_json()
        current.update(request)
        self.filter_bar.set_filter(Filter.from_json(current))

    # ---- sections --------------------------------------------------------------------------------
    def current_section(self) -> Section | None:
        w = self.stack.currentWidget()
        return w if isinstance(w, Section) else None

    def show_section(self, name: str) -> None:
        for i in range(self.nav.count()):
            if self.nav.item(i).data(Qt.ItemDataRole.UserRole) == name:
                self.nav.setCurrentRow(i)
                return

    def navigate(self, name: str, context: dict) -> None:
        self.show_section(name)
        sec = self.sections.get(name)
        if sec is not None and hasattr(sec, "focus_on"):
            sec.focus_on(context)

    def _section_changed(self, row: int) -> None:
        self.stack.setCurrentIndex(row)
        sec = self.current_section()
        if self.workspace is not None and sec is not None:
            self.workspace.view_state["section"] = sec.name  # reopened with the workspace
        self.refresh()

    def section_settings(self) -> dict[str, Any]:
        return dict(self.settings.data)

    def refresh(self) -> None:
        """Recompute the visible section if it is stale; the others wait until they are shown."""
        sec = self.current_section()
        if sec is None or self.workspace is None or sec.name not in self._stale:
            return
        self._stale.discard(sec.name)
        fn = sec.job(self.workspace, self.filter, self.section_settings())

        def done(result: Any, sec: Section = sec) -> None:
            self.results[sec.name] = result
            sec.show_result(result)

        self.runner.start(f"section:{sec.name}", fn, done, f"Computing {sec.title}")

    # ---- saving and exporting ---------------------------------------------------------------------
    def save(self) -> None:
        if self.workspace is None:
            return
        if self.workspace.path is None:
            self.save_as()
            return
        self._save_to(self.workspace.path)

    def save_as(self) -> None:
        if self.workspace is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save workspace", "", f"Workspace (*{SUFFIX})")
        if path:
            self._save_to(Path(path))

    def _save_to(self, path: Path) -> None:
        ws = self.workspace

        def done(saved: Path) -> None:
            self.settings.add_recent(saved)
            self._fill_recent()
            self.setWindowTitle(f"HuMetrics Desktop — {saved.name}")
            self.statusBar().showMessage(f"Saved {saved}", 5_000)

        self.runner.start("save", lambda progress: ws.save(path), done, "Saving")

    def _export_report(self) -> None:
        if self.workspace is None:
            return
        last = self.workspace.view_state.get("report", {})
        path, _ = QFileDialog.getSaveFileName(self, "Export report", last.get("path", "report.pdf"),
                                              "PDF (*.pdf);;HTML (*.html);;PowerPoint (*.pptx)")
        if not path:
            return
        title, ok = QInputDialog.getText(self, "Export report", "Title on the cover:",
                                         text=last.get("title", DEFAULT_REPORT_TITLE))
        if ok:
            self.export_report(Path(path), title.strip() or DEFAULT_REPORT_TITLE)

    def export_report(self, path: Path, title: str = DEFAULT_REPORT_TITLE) -> None:
        """Findings are computed in the background; the charts are drawn on the GUI thread. The path,
        format and title are kept with the workspace for next time."""
        from ..core.report.content import build_report
        from .report_export import export_report
        ws, flt, settings = self.workspace, self.filter, self.section_settings()
        ws.view_state["report"] = {"path": str(path), "format": path.suffix.lstrip("."), "title": title}
        k = int(settings.get("suppression_k", 10))

        def done(content) -> None:
            export_report(ws, path, flt, settings, content=content)
            self.statusBar().showMessage(f"Report written to {path}", 10_000)

        self.runner.start("report", lambda progress: build_report(ws, flt, k, title, progress), done,
                          "Preparing the report")

    def _preferences(self) -> None:
        from .dialogs.preferences import PreferencesDialog
        if PreferencesDialog(self.settings, self).exec():
            self._stale = set(self.sections)  # k and thresholds change what every view may show
            self.refresh()

    def _open_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Open workspace or exports", "",
                                                f"Workspace or exports (*{SUFFIX} *.csv *.tsv *.json *.jsonl "
                                                "*.gz *.zip *.xlsx *.parquet);;All files (*)")
        if paths:
            self.load(paths)

    def _import_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Import exports", "", EXPORT_FILTER)
        if paths:
            self.load(paths, into=self.workspace)

    # ---- drag and drop ---------------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            self.load(paths)

    # ---- modes -----------------------------------------------------------------------------------
    def _toggle_fullscreen(self) -> None:
        self.showNormal() if self.isFullScreen() else self.showFullScreen()

    def toggle_presentation(self) -> None:
        """Full screen, larger type, personal fields hidden; arrow keys step through a deck: the
        findings, then each finding in the view behind it, then the remaining sections."""
        on = not self._presenting
        self._presenting = on
        for sec in self.sections.values():
            sec.set_presentation(on)
        self.nav.setVisible(not on)
        self.filter_bar.setVisible(not on)
        self.menuBar().setVisible(not on)
        self.banner.setVisible(False)
        if on:
            self.unmask_action.setChecked(False)
            self._toggle_unmask()
            self._deck = self.presentation_deck()
            self._slide = 0
            self.show_slide(0)
            self.showFullScreen()
        else:
            self.showNormal()

    def presentation_deck(self) -> list[tuple[str, dict]]:
        deck: list[tuple[str, dict]] = []
        if "findings" in self.sections:
            deck.append(("findings", {}))
        for f in self.results.get("findings") or []:
            deck.append((f.section, {**f.context, "finding": f.key, "headline": f.headline}))
        shown = {name for name, _ in deck}
        deck += [(name, {}) for name in self.sections if name not in shown and name != "data"]
        return deck

    def show_slide(self, index: int) -> None:
        if not self._deck:
            return
        self._slide = index % len(self._deck)
        name, context = self._deck[self._slide]
        headline = context.get("headline")
        self.banner.setText(headline or "")
        self.banner.setVisible(bool(headline))
        if context:
            self.navigate(name, context)
        else:
            self.show_section(name)

    def keyPressEvent(self, event) -> None:
        if self._presenting:
            key = event.key()
            if key in (Qt.Key.Key_Right, Qt.Key.Key_PageDown, Qt.Key.Key_Space, Qt.Key.Key_Down):
                self.show_slide(self._slide + 1)
                return
            if key in (Qt.Key.Key_Left, Qt.Key.Key_PageUp, Qt.Key.Key_Up):
                self.show_slide(self._slide - 1)
                return
            if key in (Qt.Key.Key_Escape, Qt.Key.Key_F5):
                self.toggle_presentation()
                return
        super().keyPressEvent(event)

    def _toggle_unmask(self) -> None:
        on = self.unmask_action.isChecked()
        for sec in self.sections.values():
            sec.set_unmasked(on)
        self._stale = set(self.sections)
        self.refresh()

    # ---- status ----------------------------------------------------------------------------------
    def _busy_changed(self, busy: bool) -> None:
        for w in (self.progress, self.progress_label, self.cancel_button):
            w.setVisible(busy)
        if not busy:
            self.progress.setValue(0)

    def _progress(self, value: float, message: str) -> None:
        self.progress.setValue(int(value * 1000))
        self.progress_label.setText(message)

    def _job_failed(self, label: str, message: str) -> None:
        self.statusBar().showMessage(f"{label} failed: {message}", 20_000)

    def _about(self) -> None:
        QMessageBox.about(self, "About HuMetrics Desktop", about_text())

    def closeEvent(self, event) -> None:
        self.runner.cancel_all()
        self.runner.wait(10_000)
        super().closeEvent(event)


def about_text() -> str:
    """Version, the offline promise, and where every bundled data file came from."""
    from ..resources import provenance_notes
    notes = "".join(f"<h4>{name}</h4><pre>{text}</pre>" for name, text in provenance_notes())
    return (f"<h3>HuMetrics Desktop {__version__}</h3>"
            "<p>Everything runs on this computer: no network connection, no telemetry, no update check.</p>"
            f"<h4>Bundled data</h4>{notes or '<p>No bundled data files.</p>'}")
