#pragma once
// Edit > Preferences: memory budget of the map cache, display resolution, co-temporal tolerance, cadence
// step and prefetch depth. Reads and writes StudioSettings; the main window applies the result.

#include <QDialog>

class QComboBox;
class QSpinBox;

namespace solarchip {

class StudioSettings;

class PreferencesDialog : public QDialog {
    Q_OBJECT
public:
    PreferencesDialog(StudioSettings *settings, QWidget *parent = nullptr);
    /// Writes the fields into the settings.
    void store();

private:
    StudioSettings *m_settings;
    QSpinBox *m_budget;
    QComboBox *m_size;
    QSpinBox *m_tolerance;
    QSpinBox *m_step;
    QSpinBox *m_ahead;
    QSpinBox *m_behind;
};

}  // namespace solarchip
