#pragma once
// Plays the archive like a movie: steps the observation document forward at a chosen rate (frames per
// second), optionally looping back to the first time at the end.
//
// A frame advances only once the frame on screen is complete (the frame gate: the presenter has every visible
// cell of the current time rendered and shown), so one frame never mixes times. When a frame takes longer than
// the frame interval the next one follows as soon as it is on screen (the movie slows down rather than
// showing half-loaded sets); with dropFrames() on, playback instead skips the frames it is late by, so the
// movie keeps its pace in archive time, and counts them (framesDropped(), shown in the status bar).

#include "app/gui/ObservationDocument.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <functional>

namespace solarchip {

class PlaybackController : public QObject {
    Q_OBJECT
public:
    explicit PlaybackController(ObservationDocument *document, QObject *parent = nullptr);

    bool isPlaying() const { return m_playing; }
    double framesPerSecond() const { return m_fps; }
    bool loops() const { return m_loop; }
    /// What one frame advances by (NextObservation or ForwardByCadence).
    void setStepKind(ObservationDocument::Step step) { m_step = step; }
    /// Whether the frame asked for last is completely on screen (default: the document has loaded its set).
    /// Call frameShown() when it may have become true.
    void setFrameGate(std::function<bool()> isFrameShown) { m_isFrameShown = std::move(isFrameShown); }
    /// Skip frames to keep the pace when sets take longer than the frame interval (default off: wait).
    void setDropFrames(bool drop) { m_dropFrames = drop; }
    bool dropsFrames() const { return m_dropFrames; }
    /// Frames skipped to keep the pace since playback last started.
    int framesDropped() const { return m_framesDropped; }
    /// Steps asked of the document since playback last started (each frame once, dropped ones included).
    int framesAdvanced() const { return m_framesAdvanced; }

public Q_SLOTS:
    void play();
    void pause();
    void toggle();
    void setFramesPerSecond(double fps);
    void setLoop(bool loop);
    /// The frame gate may have opened (the presenter's settled()).
    void frameShown();

Q_SIGNALS:
    void playingChanged(bool playing);
    void framesPerSecondChanged(double fps);
    void loopChanged(bool loop);
    /// Frames were skipped to keep the pace (total since playback started).
    void framesDroppedChanged(int total);

private:
    int intervalMs() const;
    void onDue();
    void advance();
    bool isFrameOnScreen() const;

    ObservationDocument *m_document;
    QTimer m_timer;           // single shot: the next frame is due
    QElapsedTimer m_clock;    // since the current frame was asked for
    bool m_playing = false;
    bool m_due = false;       // the interval elapsed, waiting for the frame gate
    double m_fps = 2.0;
    bool m_loop = true;
    bool m_dropFrames = false;
    int m_framesDropped = 0;
    int m_framesAdvanced = 0;
    std::function<bool()> m_isFrameShown;
    ObservationDocument::Step m_step = ObservationDocument::Step::NextObservation;
};

}  // namespace solarchip
