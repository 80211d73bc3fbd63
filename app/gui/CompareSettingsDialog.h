#pragma once
// View > Compare > Comparison settings: the overlay opacity (slider, 0-100 %) and the blink interval (ms),
// applied to every view as they change and remembered in StudioSettings. Not modal, so the user can watch
// the views while dragging the slider.

#include <QDialog>

class QLabel;
class QSlider;
class QSpinBox;

namespace solarchip {

class SetViewPresenter;
class StudioSettings;

class CompareSettingsDialog : public QDialog {
    Q_OBJECT
public:
    CompareSettingsDialog(SetViewPresenter *presenter, StudioSettings *settings, QWidget *parent = nullptr);

    /// Shows the presenter's current values.
    void syncFromPresenter();

private:
    SetViewPresenter *m_presenter;
    StudioSettings *m_settings;
    QSlider *m_opacity = nullptr;
    QLabel *m_opacityValue = nullptr;
    QSpinBox *m_interval = nullptr;
};

}  // namespace solarchip
