#include "app/gui/Reaction.h"

#include <QAction>

namespace solarchip {

Reaction::Reaction(QAction *parentAction) : QObject(parentAction)
{
    connect(parentAction, &QAction::triggered, this, [this] { onTriggered(); });
}

QAction *Reaction::parentAction() const
{
    return static_cast<QAction *>(parent());
}

}  // namespace solarchip
