#pragma once
// The "Similarity" dock: what the encoders are doing (model, device, encoding, the set's note such as a partial
// disk), and the heatmap controls: opacity, threshold (cells below it are not drawn), top-k marks, the colour
// bar of the colormap, and Clear. Acts on a HeatmapController.

#include <QWidget>

class QDoubleSpinBox;
class QLabel;
class QSlider;
class QSpinBox;

namespace solarchip {

class HeatmapController;
class InferenceWorker;

class HeatmapPanel : public QWidget {
    Q_OBJECT
public:
    HeatmapPanel(HeatmapController *controller, InferenceWorker *worker, QWidget *parent = nullptr);

private:
    void refresh();

    HeatmapController *m_controller;
    InferenceWorker *m_worker;
    QLabel *m_model = nullptr;
    QLabel *m_status = nullptr;
    QSlider *m_opacity = nullptr;
    QDoubleSpinBox *m_threshold = nullptr;
    QSpinBox *m_topK = nullptr;
};

}  // namespace solarchip
