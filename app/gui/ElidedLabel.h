#pragma once
// A one-line label for the status bar that never runs into its neighbours: when its text is wider than the
// room the bar gives it, it ends in "…" (the whole text in the tooltip) instead of being cut mid-character
// against the next widget. It asks for its text's width but accepts far less.

#include <QLabel>

namespace solarchip {

class ElidedLabel : public QLabel {
    Q_OBJECT
public:
    explicit ElidedLabel(QWidget *parent = nullptr);

    void setFullText(const QString &text);
    QString fullText() const { return m_text; }
    /// What is drawn now (elided to the width).
    QString shownText() const;

    QSize minimumSizeHint() const override;
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QString m_text;
};

}  // namespace solarchip
