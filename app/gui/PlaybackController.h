#pragma once
// Plays the archive like a movie: steps the observation document forward at a chosen rate (frames per
// second), optionally looping back to the first time at the end. A frame is only advanced once the current
// set has loaded, so on a slow disk playback slows down instead of skipping frames or piling up loads.

#include "app/gui/ObservationDocument.h"

#include <QObject>
#include <QTimer>

namespace solarchip {

class PlaybackController : public QObject {
    Q_OBJECT
public:
    explicit PlaybackController(ObservationDocument *document, QObject *parent = nullptr);

    bool isPlaying() const { return m_timer.isActive(); }
    double framesPerSecond() const { return m_fps; }
    bool loops() const { return m_loop; }
    /// What one frame advances by (NextObservation or ForwardByCadence).
    void setStepKind(ObservationDocument::Step step) { m_step = step; }

public Q_SLOTS:
    void play();
    void pause();
    void toggle();
    void setFramesPerSecond(double fps);
    void setLoop(bool loop);

Q_SIGNALS:
    void playingChanged(bool playing);
    void framesPerSecondChanged(double fps);
    void loopChanged(bool loop);

private:
    void tick();

    ObservationDocument *m_document;
    QTimer m_timer;
    double m_fps = 2.0;
    bool m_loop = true;
    ObservationDocument::Step m_step = ObservationDocument::Step::NextObservation;
};

}  // namespace solarchip
