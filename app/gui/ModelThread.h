#pragma once
// The thread a GUI worker runs its model on (app/gui/InferenceWorker: the encoder; app/gui/TranslationWorker: the
// HMI→AIA translator), never the UI thread:
//  - startModelThread: one QThread, named, at low priority, a child of the worker; the worker's engine (a
//    ModelEngine holding the model) is moved onto it and the worker posts its work to the engine as functors;
//  - ModelEngine::prepareThread, called by the work before anything else: once per thread, on it, the OS
//    priority drops to background and LibTorch gets the thread budget's torch share
//    (core/base/ThreadBudget sizes().torchIntraOp), so the UI thread keeps a core;
//  - stopModelThread, from the worker's destructor once it has cancelled its job: quits the thread, waits for
//    the work running to return, then deletes the engine.

#include <QObject>
#include <QString>

class QThread;

namespace solarchip {

class ModelEngine : public QObject {
public:
    /// Background priority and the torch threads, the first time on this thread; nothing after.
    void prepareThread();

private:
    bool m_threadPrepared = false;
};

/// Moves `engine` onto a new low-priority thread named `name` (a child of `owner`) and starts it.
QThread *startModelThread(QObject *owner, const QString &name, ModelEngine *engine);
/// Quits `thread`, waits for the work running on it, then deletes `engine`.
void stopModelThread(QThread *thread, ModelEngine *engine);

}  // namespace solarchip
