#include "app/gui/FlarePanel.h"

#include "widgets/FlareTimeline.h"

#include <QCheckBox>
#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <cmath>

namespace solarchip {

namespace {

QString percent(double p)
{
    return std::isfinite(p) ? QString::number(100.0 * p, 'f', p < 0.1 ? 1 : 0) + QLatin1Char('%') : QStringLiteral("–");
}

QLabel *selectable(QWidget *parent, const QString &name)
{
    auto *l = new QLabel(parent);
    l->setObjectName(name);
    l->setWordWrap(true);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);  // the command and hashes can be copied
    return l;
}

}  // namespace

FlarePanel::FlarePanel(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    auto *numbers = new QGridLayout;
    QFont big = font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    big.setBold(true);
    auto row = [&](int r, const QString &what, QLabel *&value) {
        numbers->addWidget(new QLabel(what, this), r, 0);
        value = new QLabel(QStringLiteral("–"), this);
        value->setObjectName(r == 0 ? QStringLiteral("flarePGeC") : QStringLiteral("flarePGeM"));
        value->setFont(big);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        numbers->addWidget(value, r, 1);
    };
    row(0, tr("P(≥C flare), next 24 h"), m_pc);
    row(1, tr("P(≥M flare), next 24 h"), m_pm);
    numbers->setColumnStretch(2, 1);
    layout->addLayout(numbers);
    m_note = selectable(this, QStringLiteral("flareNote"));
    layout->addWidget(m_note);
    m_head = selectable(this, QStringLiteral("flareHead"));
    layout->addWidget(m_head);
    m_status = selectable(this, QStringLiteral("flareStatus"));
    layout->addWidget(m_status);

    auto *buttons = new QHBoxLayout;
    m_choose = new QPushButton(tr("Choose head…"), this);
    m_choose->setObjectName(QStringLiteral("flareChooseHead"));
    m_choose->setToolTip(tr("Use a flare-train run folder (RUN/head.json) as the forecast head"));
    connect(m_choose, &QPushButton::clicked, this, &FlarePanel::chooseHeadRequested);
    m_train = new QPushButton(tr("Train a head"), this);
    m_train->setObjectName(QStringLiteral("flareTrain"));
    m_train->setToolTip(tr("Run solarchip flare-train on this archive in the background (at low priority) and use the "
                           "head it writes"));
    connect(m_train, &QPushButton::clicked, this, &FlarePanel::trainRequested);
    m_cancel = new QPushButton(tr("Cancel training"), this);
    m_cancel->setObjectName(QStringLiteral("flareCancelTraining"));
    m_cancel->hide();
    connect(m_cancel, &QPushButton::clicked, this, &FlarePanel::cancelTrainingRequested);
    buttons->addWidget(m_choose);
    buttons->addWidget(m_train);
    buttons->addWidget(m_cancel);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    m_training = selectable(this, QStringLiteral("flareTraining"));
    m_training->hide();
    layout->addWidget(m_training);

    auto *attr = new QHBoxLayout;
    m_attribution = new QCheckBox(tr("Attribution on the maps:"), this);
    m_attribution->setObjectName(QStringLiteral("flareAttribution"));
    m_attribution->setChecked(true);
    m_attribution->setToolTip(tr("Colour each model cell by how much it drives the forecast"));
    connect(m_attribution, &QCheckBox::toggled, this, &FlarePanel::attributionChanged);
    m_method = new QComboBox(this);
    m_method->setObjectName(QStringLiteral("flareAttributionMethod"));
    m_method->addItem(tr("attention pool weight"));
    m_method->addItem(tr("occlusion (P drop without the cell)"));
    m_method->setToolTip(tr("Pool weight: the share of the full-disk vector the attention head takes from the cell. "
                            "Logit term (mean-pool heads): the cell's exact share of the head's logit. "
                            "Occlusion: how much P(event) falls when the cell is left out of the pool (negative: "
                            "the cell lowers it)"));
    connect(m_method, &QComboBox::currentIndexChanged, this, &FlarePanel::attributionChanged);
    attr->addWidget(m_attribution);
    attr->addWidget(m_method);
    attr->addStretch(1);
    layout->addLayout(attr);
    m_attrNote = selectable(this, QStringLiteral("flareAttributionNote"));
    layout->addWidget(m_attrNote);

    m_timeline = new FlareTimeline(this);
    m_timeline->setObjectName(QStringLiteral("flareTimeline"));
    layout->addWidget(m_timeline, 1);
}

void FlarePanel::setForecast(double pGeC, double pGeM, double climC, double climM, const QString &note)
{
    auto text = [](double p, double clim) {
        QString s = percent(p);
        if (std::isfinite(clim))
            s += QStringLiteral("   <span style='font-weight:normal; font-size:small'>(climatology %1)</span>").arg(percent(clim));
        return s;
    };
    m_pc->setText(text(pGeC, climC));
    m_pm->setText(text(pGeM, climM));
    m_note->setText(note);
    m_note->setVisible(!note.isEmpty());
}

void FlarePanel::clearForecast(const QString &why)
{
    m_pc->setText(QStringLiteral("–"));
    m_pm->setText(QStringLiteral("–"));
    m_note->setText(why);
    m_note->setVisible(!why.isEmpty());
}

void FlarePanel::setHeadText(const QString &text) { m_head->setText(text); }

void FlarePanel::setStatus(const QString &text)
{
    m_status->setText(text);
    m_status->setVisible(!text.isEmpty());
}

void FlarePanel::setTraining(bool running, const QString &text)
{
    m_train->setEnabled(!running);
    m_cancel->setVisible(running);
    m_training->setText(text);
    m_training->setVisible(!text.isEmpty());
}

QString FlarePanel::statusText() const { return m_status->text(); }
QString FlarePanel::headText() const { return m_head->text(); }
QString FlarePanel::trainingText() const { return m_training->text(); }
QString FlarePanel::forecastText() const { return m_pc->text() + QLatin1Char('\n') + m_pm->text(); }
QString FlarePanel::forecastNote() const { return m_note->text(); }

bool FlarePanel::attributionShown() const { return m_attribution->isChecked(); }
void FlarePanel::setAttributionShown(bool shown) { m_attribution->setChecked(shown); }
int FlarePanel::attributionMethod() const { return m_method->currentIndex(); }
void FlarePanel::setAttributionMethod(int method) { m_method->setCurrentIndex(method == 1 ? 1 : 0); }

void FlarePanel::setMeanPoolHead(bool meanPool)
{
    m_method->setItemText(0, meanPool ? tr("logit term of the cell") : tr("attention pool weight"));
}

void FlarePanel::setAttributionAvailable(bool available)
{
    m_attribution->setEnabled(available);
    m_method->setEnabled(available);
}

void FlarePanel::setAttributionNote(const QString &text)
{
    m_attrNote->setText(text);
    m_attrNote->setVisible(!text.isEmpty());
}

QString FlarePanel::attributionNote() const { return m_attrNote->text(); }

}  // namespace solarchip
