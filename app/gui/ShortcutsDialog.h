#pragma once
// Edit > Keyboard shortcuts: every registered action with its shortcut, editable in place; conflicts are
// flagged, "Reset" restores the default. Changes apply at once and persist through StudioSettings. A search
// field narrows the list to actions whose name or keys contain what is typed.

#include <QDialog>

class QLineEdit;
class QTableWidget;

namespace solarchip {

class ActionRegistry;
class StudioSettings;

class ShortcutsDialog : public QDialog {
    Q_OBJECT
public:
    ShortcutsDialog(ActionRegistry *registry, StudioSettings *settings, QWidget *parent = nullptr);

    QLineEdit *filterEdit() const { return m_filter; }
    QTableWidget *table() const { return m_table; }
    /// Rows the search leaves visible.
    int visibleRowCount() const;

private:
    void fill();
    void editRow(int row);
    void applyFilter(const QString &text);

    ActionRegistry *m_registry;
    StudioSettings *m_settings;
    QTableWidget *m_table;
    QLineEdit *m_filter;
};

}  // namespace solarchip
