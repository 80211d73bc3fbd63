#include "app/gui/CompareSettingsDialog.h"

#include "app/gui/DialogSize.h"
#include "app/gui/SetViewPresenter.h"
#include "app/gui/StudioSettings.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
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
    // The slider's value in words beside it ("50 %"), wide enough for "100 %" so the slider does not move.
    m_opacityValue = new QLabel(this);
    m_opacityValue->setObjectName(QStringLiteral("compareOpacityValue"));
    m_opacityValue->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_opacityValue->setMinimumWidth(m_opacityValue->fontMetrics().horizontalAdvance(tr("%1 %").arg(100)) + 4);
    auto *opacityRow = new QHBoxLayout;
    opacityRow->addWidget(m_opacity, 1);
    opacityRow->addWidget(m_opacityValue);
    form->addRow(tr("Overlay opacity"), opacityRow);
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
        m_opacityValue->setText(tr("%1 %").arg(percent));
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
    m_opacityValue->setText(tr("%1 %").arg(m_opacity->value()));
    m_interval->setValue(m_presenter->blinkInterval());
}

}  // namespace solarchip
