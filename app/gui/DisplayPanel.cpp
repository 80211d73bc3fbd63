#include "app/gui/DisplayPanel.h"

#include "app/gui/StudioSettings.h"
#include "widgets/Colormap.h"
#include "widgets/MapView.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QVBoxLayout>

namespace solarchip {

namespace {
// The limits choices: a mode plus, for the two fixed percentile ranges, their upper percentile.
enum LimitsChoice { kMinMax, kP995, kP999, kPercentiles, kZScale, kManual };
}  // namespace

DisplayPanel::DisplayPanel(StudioSettings *settings, QWidget *parent) : QWidget(parent), m_settings(settings)
{
    auto *outer = new QVBoxLayout(this);
    m_title = new QLabel(this);
    m_title->setWordWrap(true);
    outer->addWidget(m_title);
    auto *form = m_form = new QFormLayout;
    outer->addLayout(form);

    m_colormap = new QComboBox(this);
    m_colormap->setObjectName(QStringLiteral("colormapCombo"));
    for (const QString &name : Colormap::names())
        m_colormap->addItem(Colormap::label(name), name);
    form->addRow(tr("Colours:"), m_colormap);
    m_reverse = new QCheckBox(tr("Reversed"), this);
    form->addRow(QString(), m_reverse);

    m_stretch = new QComboBox(this);
    m_stretch->setObjectName(QStringLiteral("stretchCombo"));
    for (DisplayStretch s : {DisplayStretch::Linear, DisplayStretch::Log, DisplayStretch::Sqrt, DisplayStretch::Asinh,
                             DisplayStretch::HistEq})
        m_stretch->addItem(stretchName(s), int(s));
    form->addRow(tr("Stretch:"), m_stretch);
    m_parameter = new QDoubleSpinBox(this);
    m_parameter->setObjectName(QStringLiteral("stretchParameter"));
    m_parameter->setDecimals(4);
    m_parameter->setRange(0.0001, 100000.0);
    form->addRow(tr("Parameter a:"), m_parameter);

    m_limits = new QComboBox(this);
    m_limits->setObjectName(QStringLiteral("limitsCombo"));
    m_limits->addItem(tr("Min / max"), kMinMax);
    m_limits->addItem(tr("0 – 99.5 %"), kP995);
    m_limits->addItem(tr("0 – 99.9 %"), kP999);
    m_limits->addItem(tr("Percentiles…"), kPercentiles);
    m_limits->addItem(tr("ZScale"), kZScale);
    m_limits->addItem(tr("Manual…"), kManual);
    form->addRow(tr("Limits:"), m_limits);
    m_low = new QDoubleSpinBox(this);
    m_high = new QDoubleSpinBox(this);
    for (QDoubleSpinBox *p : {m_low, m_high}) {
        p->setRange(0.0, 100.0);
        p->setDecimals(2);
        p->setSuffix(QStringLiteral(" %"));
    }
    form->addRow(tr("Low percentile:"), m_low);
    form->addRow(tr("High percentile:"), m_high);
    m_min = new QDoubleSpinBox(this);
    m_max = new QDoubleSpinBox(this);
    for (QDoubleSpinBox *p : {m_min, m_max}) {
        p->setRange(-1e12, 1e12);
        p->setDecimals(3);
    }
    form->addRow(tr("Minimum:"), m_min);
    form->addRow(tr("Maximum:"), m_max);
    m_symmetric = new QCheckBox(tr("Symmetric about zero"), this);
    form->addRow(QString(), m_symmetric);
    m_reset = new QPushButton(tr("Channel default"), this);
    outer->addWidget(m_reset);
    outer->addStretch(1);

    auto changed = [this] {
        updateVisibility();
        apply();
    };
    connect(m_colormap, &QComboBox::currentIndexChanged, this, changed);
    connect(m_stretch, &QComboBox::currentIndexChanged, this, [this, changed] {
        // A parameter means something else for each stretch (asinh's a = 0.01 under log would be linear).
        if (!m_loading && m_view && m_view->map()) {
            const QSignalBlocker block(m_parameter);
            m_parameter->setValue(parameterFor(DisplayStretch(m_stretch->currentData().toInt())));
        }
        changed();
    });
    connect(m_limits, &QComboBox::currentIndexChanged, this, [this, changed] {
        // Manual starts from the limits on screen, so the map looks the same until the user edits them.
        if (!m_loading && m_view && m_view->map() && LimitsChoice(m_limits->currentData().toInt()) == kManual) {
            const DisplayRange r = currentRange();
            const QSignalBlocker blockMin(m_min), blockMax(m_max);
            m_min->setValue(r.min);
            m_max->setValue(r.max);
        }
        changed();
    });
    connect(m_reverse, &QCheckBox::toggled, this, changed);
    connect(m_symmetric, &QCheckBox::toggled, this, changed);
    for (QDoubleSpinBox *p : {m_parameter, m_low, m_high, m_min, m_max}) {
        p->setKeyboardTracking(false);  // re-render when the number is complete, not on every digit
        connect(p, &QDoubleSpinBox::valueChanged, this, changed);
    }
    connect(m_reset, &QPushButton::clicked, this, [this] {
        if (!m_view || !m_view->map())
            return;
        const QString key = displaySettingsKey(m_view->map()->meta);
        m_view->setDisplaySettings(defaultDisplaySettings(m_view->map()->meta));
        m_settings->clearDisplaySettings(key);
        load();
    });
    setView(nullptr);
}

void DisplayPanel::setView(MapView *view)
{
    if (m_view)
        disconnect(m_view, nullptr, this, nullptr);
    m_view = view;
    if (m_view) {
        connect(m_view, &MapView::mapChanged, this, &DisplayPanel::load);
        connect(m_view, &MapView::displaySettingsChanged, this, &DisplayPanel::load);
    }
    load();
}

void DisplayPanel::load()
{
    const bool usable = m_view && m_view->map();
    setEnabled(usable);
    m_title->setText(usable ? m_view->title() : tr("Click a map to adjust how it is displayed."));
    if (!usable)
        return;
    m_loading = true;
    const DisplaySettings s = m_view->displaySettings();
    QString name = s.colormap;
    int index = m_colormap->findData(name);
    if (index < 0)
        index = m_colormap->findData(name.toLower());
    m_colormap->setCurrentIndex(std::max(0, index));
    m_reverse->setChecked(s.reverseColormap);
    m_stretch->setCurrentIndex(std::max(0, m_stretch->findData(int(s.stretch))));
    m_parameter->setValue(s.effectiveStretchParameter() > 0 ? s.effectiveStretchParameter() : 1.0);
    LimitsChoice choice = kMinMax;
    switch (s.limits) {
    case DisplayLimitsMode::MinMax: choice = kMinMax; break;
    case DisplayLimitsMode::ZScale: choice = kZScale; break;
    case DisplayLimitsMode::Manual: choice = kManual; break;
    case DisplayLimitsMode::Percentile:
        choice = s.percentileLow == 0 && s.percentileHigh == 99.5   ? kP995
                 : s.percentileLow == 0 && s.percentileHigh == 99.9 ? kP999
                                                                    : kPercentiles;
        break;
    }
    m_limits->setCurrentIndex(m_limits->findData(choice));
    m_low->setValue(s.percentileLow);
    m_high->setValue(s.percentileHigh);
    m_min->setValue(s.manualMin);
    m_max->setValue(s.manualMax);
    m_symmetric->setChecked(s.symmetric);
    updateVisibility();
    m_loading = false;
}

DisplaySettings DisplayPanel::collect() const
{
    DisplaySettings s = m_view ? m_view->displaySettings() : DisplaySettings();
    s.colormap = m_colormap->currentData().toString();
    s.reverseColormap = m_reverse->isChecked();
    s.stretch = DisplayStretch(m_stretch->currentData().toInt());
    // Only log and asinh take the parameter box's value; the others keep their own default.
    s.stretchParameter = s.stretch == DisplayStretch::Log || s.stretch == DisplayStretch::Asinh ? m_parameter->value() : 0.0;
    s.symmetric = m_symmetric->isChecked();
    switch (LimitsChoice(m_limits->currentData().toInt())) {
    case kMinMax: s.limits = DisplayLimitsMode::MinMax; break;
    case kP995:
        s.limits = DisplayLimitsMode::Percentile;
        s.percentileLow = 0;
        s.percentileHigh = 99.5;
        break;
    case kP999:
        s.limits = DisplayLimitsMode::Percentile;
        s.percentileLow = 0;
        s.percentileHigh = 99.9;
        break;
    case kPercentiles:
        s.limits = DisplayLimitsMode::Percentile;
        s.percentileLow = m_low->value();
        s.percentileHigh = std::max(m_high->value(), m_low->value());
        break;
    case kZScale: s.limits = DisplayLimitsMode::ZScale; break;
    case kManual:
        s.limits = DisplayLimitsMode::Manual;
        s.manualMin = m_min->value();
        s.manualMax = m_max->value();
        break;
    }
    return s;
}

void DisplayPanel::apply()
{
    if (m_loading || !m_view || !m_view->map())
        return;
    // The view emits displaySettingsChanged, which the window's presenter stores for the channel.
    m_view->setDisplaySettings(collect());
}

void DisplayPanel::updateVisibility()
{
    const auto choice = LimitsChoice(m_limits->currentData().toInt());
    auto show = [this](QWidget *field, bool on) {
        field->setVisible(on);
        if (QWidget *label = m_form->labelForField(field))
            label->setVisible(on);
    };
    show(m_low, choice == kPercentiles);
    show(m_high, choice == kPercentiles);
    show(m_min, choice == kManual);
    show(m_max, choice == kManual);
    const auto stretch = DisplayStretch(m_stretch->currentData().toInt());
    show(m_parameter, stretch == DisplayStretch::Log || stretch == DisplayStretch::Asinh);
    m_parameter->setToolTip(stretch == DisplayStretch::Log
                                ? tr("log(a t + 1) / log(a + 1): larger a brightens faint values more (astropy's default 1000)")
                                : tr("asinh(t / a) / asinh(1 / a): smaller a brightens faint values more (sunpy's AIA default 0.01)"));
}

double DisplayPanel::parameterFor(DisplayStretch stretch) const
{
    // The channel's own choice when its default uses this stretch (sunpy's AIA asinh a = 0.01), else the
    // stretch's astropy default (log 1000, asinh 0.1).
    if (m_view && m_view->map()) {
        const DisplaySettings channel = defaultDisplaySettings(m_view->map()->meta);
        if (channel.stretch == stretch && channel.effectiveStretchParameter() > 0)
            return channel.effectiveStretchParameter();
    }
    DisplaySettings s;
    s.stretch = stretch;
    return s.effectiveStretchParameter() > 0 ? s.effectiveStretchParameter() : 1.0;
}

DisplayRange DisplayPanel::currentRange() const
{
    // The limits of the rendering on screen; before the first render is back (rare: the dock follows the view),
    // the same limits computed here on the display-size map.
    if (!m_view->rendered().isNull() && m_view->rendered().range.isValid())
        return m_view->rendered().range;
    return resolveLimits(m_view->map()->image, m_view->displaySettings());
}

}  // namespace solarchip
