#pragma once
// Base of the small objects that give each QAction its behaviour (ParaView's pqReaction): the reaction is a
// child of its action, reacts to triggered(), and keeps the action's enabled/checked state in step with the
// documents it watches. One subclass per kind of action keeps MainWindow free of slot soup.

#include <QObject>

class QAction;

namespace solarchip {

class Reaction : public QObject {
    Q_OBJECT
public:
    explicit Reaction(QAction *parentAction);
    QAction *parentAction() const;

protected:
    virtual void onTriggered() = 0;
    /// Subclasses call it at the end of their constructor and whenever what the action depends on changes.
    virtual void updateEnableState() {}
};

}  // namespace solarchip
