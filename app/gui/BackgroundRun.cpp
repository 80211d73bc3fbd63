#include "app/gui/BackgroundRun.h"

#include "app/gui/StudioSettings.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTimer>

#include <algorithm>

namespace solarchip {

BackgroundRun::BackgroundRun(QWidget *panel, QHBoxLayout *layout, const QString &objectPrefix, QObject *parent)
    : QObject(parent)
{
    m_bar = new QProgressBar(panel);
    m_bar->setObjectName(objectPrefix + QStringLiteral("Progress"));
    m_bar->setMaximumWidth(220);
    m_bar->hide();
    layout->addWidget(m_bar);
    m_cancelButton = new QPushButton(tr("Cancel"), panel);
    m_cancelButton->setObjectName(objectPrefix + QStringLiteral("Cancel"));
    m_cancelButton->hide();
    layout->addWidget(m_cancelButton);
    connect(m_cancelButton, &QPushButton::clicked, this, &BackgroundRun::cancel);
    m_timer = new QTimer(this);
    m_timer->setInterval(100);
    connect(m_timer, &QTimer::timeout, this, [this] {
        if (m_state) {
            m_bar->setMaximum(std::max(1, m_state->total.load()));
            m_bar->setValue(m_state->done.load());
        }
    });
}

BackgroundRun::~BackgroundRun()
{
    cancel();
}

std::pair<std::shared_ptr<BackgroundRun::State>, quint64> BackgroundRun::start()
{
    cancel();  // the one in flight (its answer is dropped by the ticket)
    m_state = std::make_shared<State>();
    m_running = true;
    m_bar->setValue(0);
    m_bar->show();
    m_cancelButton->show();
    m_timer->start();
    return {m_state, ++m_ticket};
}

bool BackgroundRun::finish(quint64 ticket)
{
    if (ticket != m_ticket)
        return false;
    stopShowing();
    return true;
}

void BackgroundRun::cancel()
{
    if (m_state)
        m_state->cancel = true;
}

bool BackgroundRun::drop()
{
    cancel();
    ++m_ticket;
    const bool was = m_running;
    stopShowing();
    return was;
}

void BackgroundRun::stopShowing()
{
    m_running = false;
    m_timer->stop();
    m_bar->hide();
    m_cancelButton->hide();
}

QString askExportPath(QWidget *parent, StudioSettings *settings, const QString &title, const QString &name,
                      const QString &filter)
{
    const QString path = QFileDialog::getSaveFileName(parent, title, QDir(settings->exportFolder()).filePath(name), filter);
    if (!path.isEmpty())
        settings->setExportDir(QFileInfo(path).absolutePath());
    return path;
}

void exportThroughDialog(QWidget *parent, StudioSettings *settings, QLabel *status, const QString &title, const QString &name,
                         const QString &filter, const std::function<QString(const QString &path)> &write)
{
    const QString path = askExportPath(parent, settings, title, name, filter);
    if (path.isEmpty())
        return;
    const QString error = write(path);
    status->setText(error.isEmpty() ? QObject::tr("Saved %1").arg(QDir::toNativeSeparators(path)) : error);
}

}  // namespace solarchip
