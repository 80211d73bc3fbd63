#include "app/gui/DialogSize.h"

#include <QFontMetrics>
#include <QWidget>

#include <algorithm>

namespace solarchip {

void makeWideEnoughForTitle(QWidget *dialog)
{
    QFont font = dialog->font();
    font.setBold(true);
    constexpr int kTitleBarButtonsAndMargins = 160;
    const int needed = QFontMetrics(font).horizontalAdvance(dialog->windowTitle()) + kTitleBarButtonsAndMargins;
    dialog->setMinimumWidth(std::max(dialog->minimumWidth(), needed));
}

}  // namespace solarchip
