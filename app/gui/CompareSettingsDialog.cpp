#include "app/gui/CompareSettingsDialog.h"

#include "app/gui/DialogSize.h"
#include "app/gui/SetViewPresenter.h"
#include "app/gui/StudioSettings.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>

#include <cmath>

namespace solarchip {

CompareSettingsDialog::CompareSettingsDialog(SetViewPresenter *presenter, StudioSettings *settings, QWidget *parent)
    : QDialog(parent), m_presenter(presenter), m_settings(settings)
{
    setWindowTitle(tr("Comparison settings"));
    auto *form = new QFormLayout(this);
    m_opacity = new QSlider(Qt::Horizontal, this);
    m_opacity->setObjectName(QStringLiteral("compareOpacitySlider"));
    m_opacity->setRange(0, 100);
    m_opacity->setToolTip(tr("Opacity of the comparison map in overlay mode"));
    form->addRow(tr("Overlay opacity"), m_opacity);
    m_interval = new QSpinBox(this);
    m_interval->setObjectName(QStringLiteral("blinkIntervalSpin"));
    m_interval->setRange(50, 10000);
    m_interval->setSingleStep(50);
    m_interval->setSuffix(tr(" ms"));
    form->addRow(tr("Blink interval"), m_interval);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);

    connect(m_opacity, &QSlider::valueChanged, this, [this](int percent) {
        m_presenter->setComparisonOpacity(percent / 100.0);
        m_settings->setCompareOpacity(percent / 100.0);
    });
    connect(m_interval, &QSpinBox::valueChanged, this, [this](int ms) {
        m_presenter->setBlinkInterval(ms);
        m_settings->setBlinkIntervalMs(ms);
    });
    syncFromPresenter();
    makeWideEnoughForTitle(this);
}

void CompareSettingsDialog::syncFromPresenter()
{
    const QSignalBlocker a(m_opacity), b(m_interval);
    m_opacity->setValue(int(std::lround(m_presenter->comparisonOpacity() * 100)));
    m_interval->setValue(m_presenter->blinkInterval());
}

}  // namespace solarchip
