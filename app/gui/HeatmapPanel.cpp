#include "app/gui/HeatmapPanel.h"

#include "app/gui/HeatmapController.h"
#include "app/gui/InferenceWorker.h"
#include "widgets/HeatmapLayer.h"

#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

namespace solarchip {

HeatmapPanel::HeatmapPanel(HeatmapController *controller, InferenceWorker *worker, QWidget *parent)
    : QWidget(parent), m_controller(controller), m_worker(worker)
{
    auto *layout = new QVBoxLayout(this);
    m_model = new QLabel(this);
    m_model->setObjectName(QStringLiteral("heatmapModel"));
    m_model->setWordWrap(true);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("heatmapStatus"));
    m_status->setWordWrap(true);
    auto *form = new QFormLayout;
    m_opacity = new QSlider(Qt::Horizontal, this);
    m_opacity->setObjectName(QStringLiteral("heatmapOpacity"));
    m_opacity->setRange(0, 100);
    m_opacity->setValue(static_cast<int>(controller->opacity() * 100));
    form->addRow(tr("Opacity"), m_opacity);
    m_threshold = new QDoubleSpinBox(this);
    m_threshold->setObjectName(QStringLiteral("heatmapThreshold"));
    m_threshold->setRange(-1.0, 1.0);
    m_threshold->setSingleStep(0.05);
    m_threshold->setDecimals(3);
    m_threshold->setValue(controller->threshold());
    m_threshold->setToolTip(tr("Cells with a cosine similarity below this are not drawn"));
    form->addRow(tr("Threshold"), m_threshold);
    m_topK = new QSpinBox(this);
    m_topK->setObjectName(QStringLiteral("heatmapTopK"));
    m_topK->setRange(0, 50);
    m_topK->setValue(controller->topK());
    form->addRow(tr("Top matches"), m_topK);
    auto *bar = new QLabel(this);
    // colorBarImage is vertical (high at the top): turned so that low is at the left.
    bar->setPixmap(QPixmap::fromImage(HeatmapLayer::colorBarImage(Colormap::byName(QStringLiteral("inferno")), 10, 160)
                                          .transformed(QTransform().rotate(90))));
    bar->setToolTip(tr("Low to high similarity (the range of each view is shown on its map)"));
    form->addRow(tr("Colours"), bar);
    layout->addLayout(form);
    auto *clear = new QPushButton(tr("Clear query"), this);
    clear->setObjectName(QStringLiteral("heatmapClear"));
    layout->addWidget(clear);
    setToolTip(tr("Click a map for the similarity of that model cell in every channel; Shift+drag for a box (the mean "
                  "of its cells)."));
    layout->addWidget(m_model);
    layout->addWidget(m_status, 1);
    m_status->setAlignment(Qt::AlignTop | Qt::AlignLeft);

    connect(m_opacity, &QSlider::valueChanged, this, [this](int v) { m_controller->setOpacity(v / 100.0); });
    connect(m_threshold, &QDoubleSpinBox::valueChanged, m_controller, &HeatmapController::setThreshold);
    connect(m_topK, &QSpinBox::valueChanged, m_controller, &HeatmapController::setTopK);
    connect(clear, &QPushButton::clicked, m_controller, &HeatmapController::clearQuery);
    connect(m_controller, &HeatmapController::heatmapsChanged, this, &HeatmapPanel::refresh);
    connect(m_worker, &InferenceWorker::currentModelChanged, this, &HeatmapPanel::refresh);
    refresh();
}

void HeatmapPanel::refresh()
{
    m_model->setText(m_worker->hasModel()
                         ? tr("Model %1 (%2) on %3").arg(m_worker->modelHash().left(12), m_worker->modelChannels().join(u','),
                                                          m_worker->deviceName())
                         : tr("Model: loading…"));
    m_status->setText(m_controller->statusText());
}

}  // namespace solarchip
