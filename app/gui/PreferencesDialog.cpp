#include "app/gui/PreferencesDialog.h"

#include "app/gui/DialogSize.h"
#include "app/gui/StudioSettings.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QSpinBox>

#include <algorithm>

namespace solarchip {

PreferencesDialog::PreferencesDialog(StudioSettings *settings, QWidget *parent)
    : QDialog(parent), m_settings(settings)
{
    setWindowTitle(tr("Preferences"));
    auto *form = new QFormLayout(this);

    m_budget = new QSpinBox(this);
    m_budget->setRange(64, 65536);
    m_budget->setSingleStep(128);
    m_budget->setSuffix(tr(" MiB"));
    m_budget->setValue(int(settings->cacheBudgetBytes() >> 20));
    m_budget->setToolTip(tr("Memory for prepared maps kept for stepping back and forth"));
    form->addRow(tr("Map cache budget:"), m_budget);

    m_size = new QComboBox(this);
    for (int px : {512, 1024, 2048, 4096})
        m_size->addItem(tr("%1 px").arg(px), px);
    m_size->setCurrentIndex(std::max(0, m_size->findData(settings->displaySize())));
    m_size->setToolTip(tr("Maps are prepared (north up, co-registered) to at most this many pixels a side"));
    form->addRow(tr("Display resolution:"), m_size);

    m_tolerance = new QSpinBox(this);
    m_tolerance->setRange(0, 24 * 60);
    m_tolerance->setSuffix(tr(" min"));
    m_tolerance->setValue(int(settings->toleranceMs() / 60000));
    m_tolerance->setToolTip(tr("Channels observed within this of the current time are shown with it"));
    form->addRow(tr("Co-temporal tolerance:"), m_tolerance);

    m_step = new QSpinBox(this);
    m_step->setRange(0, 30 * 24 * 60);
    m_step->setSuffix(tr(" min"));
    m_step->setSpecialValueText(tr("archive cadence"));
    m_step->setValue(int(settings->stepMs() / 60000));
    form->addRow(tr("Step by cadence:"), m_step);

    m_ahead = new QSpinBox(this);
    m_ahead->setRange(0, 16);
    m_ahead->setValue(settings->prefetchAhead());
    form->addRow(tr("Prefetch ahead (times):"), m_ahead);
    m_behind = new QSpinBox(this);
    m_behind->setRange(0, 16);
    m_behind->setValue(settings->prefetchBehind());
    form->addRow(tr("Prefetch behind (times):"), m_behind);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    makeWideEnoughForTitle(this);
}

void PreferencesDialog::store()
{
    m_settings->setCacheBudgetBytes(qint64(m_budget->value()) << 20);
    m_settings->setDisplaySize(m_size->currentData().toInt());
    m_settings->setToleranceMs(qint64(m_tolerance->value()) * 60000);
    m_settings->setStepMs(qint64(m_step->value()) * 60000);
    m_settings->setPrefetch(m_ahead->value(), m_behind->value());
}

}  // namespace solarchip
