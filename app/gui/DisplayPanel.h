#pragma once
// The "Display" dock: how the selected map view turns values into colours. Colormap (sunpy's SDO tables,
// grey, perceptual maps), stretch (linear, log, sqrt, asinh, histogram equalisation) with its parameter,
// limits (min/max, 0-99.5 %, 0-99.9 %, any percentiles, zscale, manual), symmetric limits and a reversed
// table; "Channel default" returns to sunpy-like defaults. Edits go to the view at once (it re-renders off the
// UI thread) and are remembered per channel (StudioSettings) through the view's displaySettingsChanged.

#include "core/map/DisplayLimits.h"
#include "widgets/MapView.h"

#include <QPointer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QPushButton;

namespace solarchip {

class StudioSettings;

class DisplayPanel : public QWidget {
    Q_OBJECT
public:
    explicit DisplayPanel(StudioSettings *settings, QWidget *parent = nullptr);

    /// The view whose settings are shown and edited (null: nothing to edit).
    void setView(MapView *view);
    MapView *view() const { return m_view; }

    /// The settings the widgets describe now.
    DisplaySettings collect() const;

private:
    void load();
    void apply();
    void updateVisibility();
    /// The parameter a stretch starts with when the user picks it.
    double parameterFor(DisplayStretch stretch) const;
    /// The limits the view shows now (its rendering's range).
    DisplayRange currentRange() const;

    StudioSettings *m_settings;
    QPointer<MapView> m_view;
    bool m_loading = false;
    QFormLayout *m_form;
    QLabel *m_title;
    QComboBox *m_colormap;
    QCheckBox *m_reverse;
    QComboBox *m_stretch;
    QDoubleSpinBox *m_parameter;
    QComboBox *m_limits;
    QDoubleSpinBox *m_low, *m_high;
    QDoubleSpinBox *m_min, *m_max;
    QCheckBox *m_symmetric;
    QPushButton *m_reset;
};

}  // namespace solarchip
