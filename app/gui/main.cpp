// solarchip-studio: the desktop explorer.
#include "app/gui/MainWindow.h"
#include "resources/resources.h"

#include <QApplication>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("SolarCHIP Studio"));
    QApplication::setOrganizationName(QStringLiteral("SolarCHIP"));
    solarchip::initResources();
    solarchip::MainWindow window;
    window.show();
    return app.exec();
}
