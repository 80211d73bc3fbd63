#pragma once
// The flare dock's widgets (issue 12): the forecast for the set on screen (P(>=C), P(>=M) in the next window with
// the climatological rate beside them), the head and model used, what to do when there is no usable head (the
// exact flare-train command, a "Train a head" button), the attribution toggle and the FlareTimeline. Pure view:
// FlareController (app/gui/FlareController.h) fills it and reacts to its signals.

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;

namespace solarchip {

class FlareTimeline;

class FlarePanel : public QWidget {
    Q_OBJECT
public:
    explicit FlarePanel(QWidget *parent = nullptr);

    /// The two probabilities and their climatological rates; NaN shows "–" (this head does not forecast it).
    void setForecast(double pGeC, double pGeM, double climC, double climM, const QString &note);
    void clearForecast(const QString &why);
    void setHeadText(const QString &text);
    void setStatus(const QString &text);
    void setTraining(bool running, const QString &text);

    QString statusText() const;
    QString headText() const;
    QString forecastText() const;
    QString forecastNote() const;  ///< the line under the probabilities (set time, threshold, the flux reference)
    QString trainingText() const;  ///< the line about the "Train a head" run  ///< the two probability lines as shown (tests, state)

    bool attributionShown() const;
    void setAttributionShown(bool shown);
    /// 0 the head's own map (attention pool weight; a mean-pool head's logit terms), 1 occlusion.
    int attributionMethod() const;
    void setAttributionMethod(int method);
    /// Names the first method after the head: true for a head with exact cell terms (mean-pool, quad: "logit term of the cell").
    void setMeanPoolHead(bool meanPool);
    /// Greys the attribution controls out for heads without a map (linear heads, none).
    void setAttributionAvailable(bool available);
    void setAttributionNote(const QString &text);
    QString attributionNote() const;  ///< what the panel says under the attribution controls (tests, state)

    FlareTimeline *timeline() const { return m_timeline; }
    QPushButton *trainButton() const { return m_train; }

Q_SIGNALS:
    void chooseHeadRequested();
    void trainRequested();
    void cancelTrainingRequested();
    void attributionChanged();

private:
    QLabel *m_pc = nullptr, *m_pm = nullptr, *m_note = nullptr;
    QLabel *m_head = nullptr, *m_status = nullptr, *m_training = nullptr, *m_attrNote = nullptr;
    QPushButton *m_choose = nullptr, *m_train = nullptr, *m_cancel = nullptr;
    QCheckBox *m_attribution = nullptr;
    QComboBox *m_method = nullptr;
    FlareTimeline *m_timeline = nullptr;
};

}  // namespace solarchip
