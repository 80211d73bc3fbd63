#pragma once
// Edit > Keyboard shortcuts: every registered action with its shortcut, editable in place; conflicts are
// flagged, "Reset" restores the default. Changes apply at once and persist through StudioSettings.

#include <QDialog>

class QTableWidget;

namespace solarchip {

class ActionRegistry;
class StudioSettings;

class ShortcutsDialog : public QDialog {
    Q_OBJECT
public:
    ShortcutsDialog(ActionRegistry *registry, StudioSettings *settings, QWidget *parent = nullptr);

private:
    void fill();
    void editRow(int row);

    ActionRegistry *m_registry;
    StudioSettings *m_settings;
    QTableWidget *m_table;
};

}  // namespace solarchip
