#include "app/gui/JumpToDateReaction.h"

#include "app/gui/ArchiveDocument.h"
#include "app/gui/CalendarPopup.h"
#include "app/gui/ObservationDocument.h"

#include <QAction>
#include <QCursor>
#include <QWidget>

namespace solarchip {

JumpToDateReaction::JumpToDateReaction(QAction *action, ArchiveDocument *archive, ObservationDocument *document,
                                       QWidget *popupParent)
    : Reaction(action), m_archive(archive), m_document(document), m_popupParent(popupParent)
{
    connect(archive, &ArchiveDocument::dataChanged, this, [this] { updateEnableState(); });
    connect(archive, &ArchiveDocument::opened, this, [this] { updateEnableState(); });
    updateEnableState();
}

void JumpToDateReaction::onTriggered()
{
    auto *popup = new CalendarPopup(m_archive->timeline(), m_popupParent);
    popup->setAttribute(Qt::WA_DeleteOnClose);
    popup->setTime(m_document->hasTime() ? m_document->time() : QDateTime());
    connect(popup, &CalendarPopup::timeChosen, m_document, &ObservationDocument::goToTime);
    // Under the time button of the toolbar when it is shown, else under the mouse.
    QPoint at = QCursor::pos();
    if (auto *button = m_popupParent->findChild<QWidget *>(QStringLiteral("timeButton")); button && button->isVisible())
        at = button->mapToGlobal(QPoint(0, button->height()));
    popup->move(at);
    popup->show();
}

void JumpToDateReaction::updateEnableState()
{
    parentAction()->setEnabled(m_archive->hasTimeAxis() && m_archive->hasData());
}

}  // namespace solarchip
