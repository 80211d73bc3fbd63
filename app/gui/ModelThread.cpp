#include "app/gui/ModelThread.h"

#include "core/base/ThreadBudget.h"
#include "core/base/ThreadPriority.h"
#include "models/networks/Device.h"

#include <QThread>

namespace solarchip {

void ModelEngine::prepareThread()
{
    if (m_threadPrepared)
        return;
    m_threadPrepared = true;
    ThreadPriority::makeCurrentThreadBackground();
    configureTorchThreads(ThreadBudget::instance().sizes().torchIntraOp);
}

QThread *startModelThread(QObject *owner, const QString &name, ModelEngine *engine)
{
    auto *thread = new QThread(owner);
    thread->setObjectName(name);
    engine->moveToThread(thread);
    thread->start(QThread::LowPriority);
    return thread;
}

void stopModelThread(QThread *thread, ModelEngine *engine)
{
    thread->quit();
    thread->wait();
    delete engine;
}

}  // namespace solarchip
